// What the shapes and colours on the canvas mean: read from the same table the nodes are drawn from.
import { LEGEND_LOOKS, LOOKS } from "./stateStyle";

export default function Legend({ extra = [] }: { extra?: { className: string; label: string }[] }) {
  return (
    <section className="legend" aria-label="Legend" data-testid="legend">
      <h2>Legend</h2>
      <ul>
        {LEGEND_LOOKS.map((look) => (
          <li key={look}>
            <span className={`legend-swatch look-${look}`} aria-hidden="true">
              {LOOKS[look].icon}
            </span>
            {LOOKS[look].label}
          </li>
        ))}
        {extra.map((e) => (
          <li key={e.className}>
            <span className={`legend-swatch ${e.className}`} aria-hidden="true" />
            {e.label}
          </li>
        ))}
      </ul>
    </section>
  );
}
