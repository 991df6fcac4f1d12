// What a step changed in the context: each top-level key added, changed or removed.
export default function ContextChange({ before, after }: { before: Record<string, unknown>; after: Record<string, unknown> }) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (changed.length === 0) return null;
  return (
    <ul className="context-change" aria-label="Context change">
      {changed.map((k) => (
        <li key={k}>
          <code>{k}</code>:{" "}
          {k in before && <span className="removed-value">{short(before[k])}</span>}
          {k in before && k in after && " → "}
          {k in after ? <span className="added-value">{short(after[k])}</span> : <em> removed</em>}
        </li>
      ))}
    </ul>
  );
}

function short(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? "undefined" : text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
