import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { getAuth } from "@/lib/server/auth";

export default async function Home() {
  const requestHeaders = await headers(); // first: it marks the page dynamic before auth is touched
  const session = await getAuth().api.getSession({ headers: requestHeaders });
  redirect(session ? "/tasks" : "/login");
}
