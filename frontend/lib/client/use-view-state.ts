"use client";
// The tasks page's view, filters and sort, kept in the URL: reload, back and a shared link keep them.
// Written with the History API, which Next.js folds into its router (useSearchParams follows) without
// asking the server for the page again.
import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

import { parseViewState, serializeViewState, type ViewState } from "../task-view";

export type SetViewState = (change: Partial<ViewState>, options?: { replace?: boolean }) => void;

export function useViewState(): [ViewState, SetViewState] {
  const params = useSearchParams();
  const state = useMemo(() => parseViewState(new URLSearchParams(params.toString())), [params]);
  const set = useCallback<SetViewState>(
    (change, { replace = false } = {}) => {
      const next = serializeViewState({ ...state, ...change });
      const url = `${window.location.pathname}${next}`;
      if (replace) window.history.replaceState(null, "", url);
      else window.history.pushState(null, "", url);
    },
    [state],
  );
  return [state, set];
}
