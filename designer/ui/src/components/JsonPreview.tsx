// A JSON value in a table cell: short ones inline, long ones as their first characters that open to the whole
// value, pretty-printed (the whole value is also the tooltip of the first characters). Nothing (null, an empty
// object or list) is a dash.
export default function JsonPreview({ value, inline = 60, testId }: { value: unknown; inline?: number; testId?: string }) {
  if (isNothing(value)) {
    return (
      <span className="muted" data-testid={testId}>
        —
      </span>
    );
  }
  const text = JSON.stringify(value);
  if (text.length <= inline) {
    return (
      <code className="small json-inline" data-testid={testId}>
        {text}
      </code>
    );
  }
  const pretty = JSON.stringify(value, null, 2);
  return (
    <details className="json-preview" data-testid={testId}>
      <summary title={pretty}>
        <code className="small">{text.slice(0, Math.max(inline - 12, 12))}…</code>
      </summary>
      <pre className="mono small">{pretty}</pre>
    </details>
  );
}

function isNothing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "object" && Object.keys(value as object).length === 0);
}
