import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { AuthForm } from "@/components/auth-form";
import { auth } from "@/lib/auth";

export const metadata: Metadata = { title: "Sign in · Tasks" };

export default async function Page() {
  if (await auth.api.getSession({ headers: await headers() })) redirect("/tasks");
  return <AuthForm mode="signin" />;
}
