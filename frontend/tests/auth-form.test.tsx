// @vitest-environment happy-dom
// The sign-up form's answer when the address must be confirmed first (REQUIRE_EMAIL_VERIFICATION):
// Better Auth creates the account without a session, and the person is told where the link went.
import { act } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { AuthForm } from "@/components/auth-form";

import { reactRootPerTest } from "./react-root";

// Before the imports run: Better Auth's client keeps the `fetch` it finds when it is created.
const network = vi.hoisted(() => {
  const handler: { current: typeof fetch } = { current: () => Promise.reject(new Error("no network")) };
  globalThis.fetch = (input, init) => handler.current(input, init);
  return handler;
});
const router = vi.hoisted(() => ({ replace: vi.fn(), refresh: vi.fn(), push: vi.fn() }));
vi.mock("next/navigation", () => ({ useRouter: () => router }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const USER = { id: "u1", name: "Ada", email: "ada@example.com", emailVerified: false };

const dom = reactRootPerTest();
afterEach(() => vi.clearAllMocks());

async function signUp(answer: Response) {
  const sent: string[] = [];
  network.current = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    sent.push(new URL(request.url).pathname);
    return answer;
  };
  await act(async () => dom.root.render(<AuthForm mode="signup" />));
  const form = dom.container.querySelector("form")!;
  for (const [name, value] of Object.entries({ name: "Ada", email: "ada@example.com", password: "correct horse" })) {
    form.querySelector<HTMLInputElement>(`[name="${name}"]`)!.value = value;
  }
  await act(async () => {
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
  await vi.waitFor(() => expect(sent).toContain("/api/auth/sign-up/email"));
  await act(async () => undefined);
}

describe("sign-up", () => {
  it("says where the confirmation link went when the account has no session yet", async () => {
    await signUp(json({ token: null, user: USER }));
    await vi.waitFor(() => expect(dom.container.querySelector("h1")?.textContent).toBe("Check your email"));
    expect(dom.container.querySelector('[role="status"]')?.textContent).toContain("ada@example.com");
    expect(router.replace).not.toHaveBeenCalled();
  });

  it("goes to the tasks when sign-up signed the person in", async () => {
    await signUp(json({ token: "session-token", user: { ...USER, emailVerified: true } }));
    await vi.waitFor(() => expect(router.replace).toHaveBeenCalledWith("/tasks"));
    expect(dom.container.textContent).not.toContain("Check your email");
  });
});
