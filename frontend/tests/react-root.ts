// A React root in a fresh container for each test of the file (happy-dom), unmounted after it, with
// React's act() environment on: `const dom = reactRootPerTest();` then `dom.root.render(…)`.
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach } from "vitest";

export function reactRootPerTest(): { container: HTMLElement; root: Root } {
  const dom = {} as { container: HTMLElement; root: Root };
  beforeEach(() => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    dom.container = document.createElement("div");
    document.body.append(dom.container);
    dom.root = createRoot(dom.container);
  });
  afterEach(() => {
    act(() => dom.root.unmount());
    dom.container.remove();
  });
  return dom;
}
