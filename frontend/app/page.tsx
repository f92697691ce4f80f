import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { getPageSession } from "@/lib/server/auth";

export default async function Home() {
  const requestHeaders = await headers(); // first: it marks the page dynamic before auth is touched
  const session = await getPageSession(requestHeaders);
  redirect(session ? "/tasks" : "/login");
}
