"use client";
// The tasks page's view, filters and sort, kept in the URL: reload, back and a shared link keep them.
// The state lives here and is written to the address bar with the History API (no request to the
// server); back and forward read it again from the address.
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

import { parseViewState, serializeViewState, type ViewState } from "../task-view";

export type SetViewState = (change: Partial<ViewState>, options?: { replace?: boolean }) => void;

export function useViewState(): [ViewState, SetViewState] {
  const params = useSearchParams(); // the same on the server and in the first render in the browser
  const [state, setState] = useState(() => parseViewState(new URLSearchParams(params.toString())));
  const current = useRef(state);

  useEffect(() => {
    const onPopState = () => {
      current.current = parseViewState(new URLSearchParams(window.location.search));
      setState(current.current);
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  const set = useCallback<SetViewState>((change, { replace = false } = {}) => {
    const next = { ...current.current, ...change };
    current.current = next;
    setState(next);
    const url = `${window.location.pathname}${serializeViewState(next)}`;
    if (replace) window.history.replaceState(window.history.state, "", url);
    else window.history.pushState(window.history.state, "", url);
  }, []);

  return [state, set];
}
