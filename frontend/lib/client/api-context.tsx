"use client";
// Hands the page's backend client to the hooks; its address comes from the server at request time.
import { createContext, useContext, useMemo, type ReactNode } from "react";

import type { ApiClient } from "../api-client";
import { createBrowserApi } from "./backend";

const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({ baseUrl, children }: { baseUrl: string; children: ReactNode }) {
  const api = useMemo(() => createBrowserApi(baseUrl), [baseUrl]);
  return <ApiContext value={api}>{children}</ApiContext>;
}

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi() needs an <ApiProvider> above it (components/providers.tsx).");
  return api;
}
