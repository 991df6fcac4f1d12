// A uPlot chart that fills its container's width and redraws when the data or the width changes.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface UPlotChartProps {
  options: Omit<uPlot.Options, "width">;
  data: uPlot.AlignedData;
  testId?: string;
  label: string;
}

export default function UPlotChart({ options, data, testId, label }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const chart = new uPlot({ ...options, width: Math.max(element.clientWidth, 240) }, data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 240), height: options.height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [options, data]);
  return <div ref={box} className="chart" role="img" aria-label={label} data-testid={testId} />;
}
