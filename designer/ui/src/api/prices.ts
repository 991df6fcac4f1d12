// Model prices in the database (docs/api.md § Model prices): USD per million tokens, per provider ('*': any).
import { getJson, sendJson } from "./http";

export interface ModelPrice {
  provider: string;
  model: string;
  prompt_per_million: number;
  completion_per_million: number;
  updated_at: number;
  updated_by: string | null;
}

export interface ModelPriceWrite {
  provider: string;
  model: string;
  prompt_per_million: number;
  completion_per_million: number;
}

export const listPrices = () => getJson<ModelPrice[]>("/api/prices");

export const setPrice = (price: ModelPriceWrite) => sendJson<ModelPrice>("PUT", "/api/prices", price);

export const removePrice = (provider: string, model: string) =>
  sendJson<void>("DELETE", "/api/prices", undefined, { provider, model });
