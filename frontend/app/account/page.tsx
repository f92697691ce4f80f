import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { AccountView } from "@/components/account-view";
import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/site-header";
import { apiUrlFromEnv } from "@/lib/server/api-url";
import { getPageSession } from "@/lib/server/auth";

export const metadata: Metadata = { title: "Your account · Tasks" };

export default async function AccountPage() {
  const requestHeaders = await headers(); // first: it marks the page dynamic before auth is touched
  const session = await getPageSession(requestHeaders);
  if (!session) redirect("/login");
  return (
    <Providers apiUrl={apiUrlFromEnv()}>
      <SiteHeader userName={session.user.name} userEmail={session.user.email} />
      <AccountView name={session.user.name} email={session.user.email} currentSessionId={session.session.id} />
    </Providers>
  );
}
