// False in the server's HTML and during hydration, true once React owns the page. Submit controls
// stay disabled until then: a form submitted earlier would post natively and lose what was typed.
import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
