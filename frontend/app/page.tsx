import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { auth } from "@/lib/server/auth";

export default async function Home() {
  const requestHeaders = await headers(); // first: it marks the page dynamic before auth is touched
  const session = await auth.api.getSession({ headers: requestHeaders });
  redirect(session ? "/tasks" : "/login");
}
