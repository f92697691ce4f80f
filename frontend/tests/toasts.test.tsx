// @vitest-environment happy-dom
// Messages never repeat, and one that reported a fault goes away when the fault is gone.
import { act, useEffect } from "react";
import { beforeEach, describe, expect, it } from "vitest";

import { ToastProvider, ToastRegion, useClearToast, useToast } from "@/components/toasts";

import { reactRootPerTest } from "./react-root";

const hooks: { notify: ReturnType<typeof useToast>; clear: ReturnType<typeof useClearToast> } = {
  notify: () => undefined,
  clear: () => undefined,
};

function Probe() {
  const notify = useToast();
  const clear = useClearToast();
  useEffect(() => {
    hooks.notify = notify;
    hooks.clear = clear;
  }, [notify, clear]);
  return null;
}
const notify: typeof hooks.notify = (...args) => hooks.notify(...args);
const clear: typeof hooks.clear = (key) => hooks.clear(key);

const dom = reactRootPerTest();

beforeEach(() => {
  act(() =>
    dom.root.render(
      <ToastProvider>
        <Probe />
        <ToastRegion />
      </ToastProvider>,
    ),
  );
});

const errors = () => [...dom.container.querySelectorAll('[role="alert"] > div')].map((el) => el.textContent);
const statuses = () => [...dom.container.querySelectorAll('[role="status"] > div')].map((el) => el.textContent);

describe("toasts", () => {
  it("show the same message once, however often it is raised", () => {
    act(() => {
      notify("error", "Could not reach the task service.");
      notify("error", "Could not reach the task service.");
      notify("error", "Could not reach the task service.");
    });
    expect(errors()).toEqual(["Could not reach the task service.×"]);
  });

  it("replace the message with the same key, and clear(key) takes it away", () => {
    act(() => notify("error", "Could not load your tasks (HTTP 503).", "tasks-load"));
    act(() => notify("error", "Could not reach the task service.", "tasks-load"));
    act(() => notify("success", "Added “Milk”."));
    expect(errors()).toEqual(["Could not reach the task service.×"]);
    act(() => clear("tasks-load"));
    expect(errors()).toEqual([]);
    expect(statuses()).toEqual(["Added “Milk”.×"]);
  });

  it("keep at most three on screen", () => {
    act(() => {
      for (const n of [1, 2, 3, 4, 5]) notify("success", `Saved ${n}.`);
    });
    expect(statuses()).toEqual(["Saved 3.×", "Saved 4.×", "Saved 5.×"]);
  });
});
