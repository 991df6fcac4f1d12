// Model prices (admins): what the executors cost each model call with, over the price file and the built-in
// table. Any admin reads them; the server refuses a change from an admin outside the deployment's tenant.
import { useState, type FormEvent } from "react";
import { listPrices, removePrice, setPrice, type ModelPriceWrite } from "../api/prices";
import { formatTime } from "../components/format";
import Notice from "../components/Notice";
import { useAsync } from "../components/useAsync";

const EMPTY = { provider: "*", model: "", prompt: "", completion: "" };
// What the server takes (designer/api/prices.py, engine/runtime/model_prices.py), checked by the form itself so
// a mistake is said at the field instead of coming back as the server's pattern.
const MAX_PRICE = 1_000_000;
const PROVIDER = String.raw`\s*(\*|[A-Za-z0-9_.\-]+)\s*`;
const MODEL = String.raw`\s*\S.*`;

export default function PricesPage() {
  const prices = useAsync(() => listPrices(), []);
  const [form, setForm] = useState(EMPTY);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await work();
      setMessage({ kind: "ok", text: done });
      prices.reload();
      return true;
    } catch (error) {
      setMessage({ kind: "error", text: error instanceof Error ? error.message : String(error) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const price: ModelPriceWrite = {
      provider: form.provider.trim() || "*",
      model: form.model.trim(),
      prompt_per_million: Number(form.prompt),
      completion_per_million: Number(form.completion),
    };
    if (await run(() => setPrice(price), `Saved the price of ${price.model} on ${price.provider === "*" ? "any provider" : price.provider}.`)) {
      setForm(EMPTY);
    }
  }

  const field = (name: keyof typeof EMPTY) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });

  return (
    <div className="page prices-page" data-testid="prices-page">
      <h1>Model prices</h1>
      <p className="muted">
        USD per million tokens. These override the price file and the built-in prices for every tenant; a model
        with no price runs with its cost recorded as unknown.
      </p>
      {message && <Notice kind={message.kind} testId="prices-message" onClose={() => setMessage(null)}>{message.text}</Notice>}
      {prices.error && <Notice kind="error">{prices.error}</Notice>}
      <table className="table" data-testid="prices-table">
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Model</th>
            <th scope="col">Prompt</th>
            <th scope="col">Completion</th>
            <th scope="col">Changed</th>
            <th scope="col" aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {prices.data?.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">No prices in the database: the price file's and the built-in ones apply.</td>
            </tr>
          )}
          {prices.data?.map((p) => (
            <tr key={`${p.provider}/${p.model}`} data-testid={`price-${p.provider}-${p.model}`}>
              <td>{p.provider === "*" ? <span className="muted">any</span> : p.provider}</td>
              <td><code>{p.model}</code></td>
              <td>{p.prompt_per_million}</td>
              <td>{p.completion_per_million}</td>
              <td className="small">{formatTime(new Date(p.updated_at * 1000).toISOString())} {p.updated_by && `by ${p.updated_by}`}</td>
              <td>
                <button type="button" disabled={busy} aria-label={`Remove the price of ${p.model} on ${p.provider}`}
                  onClick={() => void run(() => removePrice(p.provider, p.model), `Removed the price of ${p.model}.`)}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="prices-form" onSubmit={(e) => void save(e)} data-testid="price-form">
        <h2 className="small-heading">Set a price</h2>
        <label>Provider <input {...field("provider")} maxLength={64} pattern={PROVIDER} title="* for any provider, or its name: letters, digits, '_', '.' and '-'" placeholder="* for any" data-testid="price-provider" /></label>
        <label>Model <input {...field("model")} required maxLength={200} pattern={MODEL} title="The model as its provider names it" placeholder="llama-3.1-70b" data-testid="price-model" /></label>
        <label>Prompt, per million <input {...field("prompt")} required type="number" min={0} max={MAX_PRICE} step="any" data-testid="price-prompt" /></label>
        <label>Completion, per million <input {...field("completion")} required type="number" min={0} max={MAX_PRICE} step="any" data-testid="price-completion" /></label>
        <button type="submit" disabled={busy} data-testid="price-save">Save</button>
      </form>
    </div>
  );
}
