import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { AuthForm } from "@/components/auth-form";
import { getPageSession } from "@/lib/server/auth";

export const metadata: Metadata = { title: "Sign in · Tasks" };

export default async function Page() {
  const requestHeaders = await headers(); // first: it marks the page dynamic before auth is touched
  if (await getPageSession(requestHeaders)) redirect("/tasks");
  return <AuthForm mode="signin" />;
}
