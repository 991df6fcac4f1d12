// Model prices in the database (docs/api.md § Model prices): USD per million tokens, per provider ('*': any).
import { getJson, sendJson } from "./http";
import type { components } from "./openapi.gen";

export type ModelPrice = components["schemas"]["ModelPriceRead"];
export type ModelPriceWrite = components["schemas"]["ModelPriceWrite"];

export const listPrices = () => getJson<ModelPrice[]>("/api/prices");

export const setPrice = (price: ModelPriceWrite) => sendJson<ModelPrice>("PUT", "/api/prices", price);

export const removePrice = (provider: string, model: string) =>
  sendJson<void>("DELETE", "/api/prices", undefined, { provider, model });
