import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found · Tasks" };

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12 text-center">
      <p className="text-sm font-semibold text-muted">404</p>
      <h1 className="mt-2 text-2xl font-semibold">This page does not exist</h1>
      <p className="mt-2 text-muted">The link may be old, or the address mistyped.</p>
      <p className="mt-6">
        <Link href="/tasks" className="inline-flex min-h-9 items-center rounded-md bg-accent px-4 py-2 font-medium text-on-accent hover:bg-accent-strong">
          Back to your tasks
        </Link>
      </p>
    </main>
  );
}
