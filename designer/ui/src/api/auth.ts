// Sign in and out (docs/api.md § Authentication).
import { getJson, sendJson } from "./http";
import type { Me } from "./types";

export const login = (username: string, password: string) => sendJson<Me>("POST", "/api/auth/login", { username, password });
export const logout = () => sendJson<void>("POST", "/api/auth/logout");
export const me = () => getJson<Me>("/api/auth/me");
