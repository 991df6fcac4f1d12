// A uPlot chart that fills its container's width and redraws when the data or the width changes.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

let measuring: CanvasRenderingContext2D | null | undefined; // a canvas of its own: uPlot's keeps its font state

/** An axis `size` that fits its widest value (the tick, the gap and the text): the values set in the axis's own
 * font are measured on each layout pass, so a count of 300,000 gets the room it needs and the axis title beside
 * it stays clear of it. uPlot settles sizes in a few passes; past the second the size found is kept. */
export const fitValues = (chart: uPlot, values: string[] | null, axisIdx: number, cycle: number): number => {
  const axis = chart.axes[axisIdx] as uPlot.Axis & { _size?: number; font: string | [string, number] };
  if (cycle > 1 && axis._size !== undefined) return axis._size;
  const ticks = axis.ticks?.show === false ? 0 : axis.ticks?.size ?? 10;
  let widest = 0;
  measuring ??= document.createElement("canvas").getContext("2d");
  if (values?.length && measuring) {
    measuring.font = Array.isArray(axis.font) ? axis.font[0] : axis.font;  // as uPlot draws it: device pixels
    for (const value of values) widest = Math.max(widest, measuring.measureText(String(value)).width);
  }
  return Math.ceil(ticks + (axis.gap ?? 5) + widest / devicePixelRatio + 2);
};

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
