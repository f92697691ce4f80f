"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

import { ApiProvider } from "@/lib/client/api-context";

import { ToastProvider } from "./toasts";

/** `apiUrl`: the backend's address, read by the server per request (lib/server/api-url.ts). */
export function Providers({ apiUrl, children }: { apiUrl: string; children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: true },
          mutations: { retry: 0 },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <ApiProvider baseUrl={apiUrl}>
        <ToastProvider>{children}</ToastProvider>
      </ApiProvider>
    </QueryClientProvider>
  );
}
