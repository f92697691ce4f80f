import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { preconnect } from "react-dom";

import { Providers } from "@/components/providers";
import { SiteHeader } from "@/components/site-header";
import { TasksView } from "@/components/tasks-view";
import { TIME_ZONE_COOKIE, todayInZone } from "@/lib/dates";
import { apiUrlFromEnv } from "@/lib/server/api-url";
import { getPageSession } from "@/lib/server/auth";
import { prefetchTasks } from "@/lib/server/tasks";
import { parseViewState } from "@/lib/task-view";

export const metadata: Metadata = { title: "Your tasks · Tasks" };

export default async function TasksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const requestHeaders = await headers(); // first: it marks the page dynamic before auth is touched
  const session = await getPageSession(requestHeaders);
  if (!session) redirect("/login");
  const apiUrl = apiUrlFromEnv();
  preconnect(apiUrl, { crossOrigin: "anonymous" }); // the browser's later calls skip DNS, TCP and TLS
  const state = parseViewState(await searchParams);
  const zone = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  const dehydrated = await prefetchTasks(requestHeaders, apiUrl, session.user.id, state);
  return (
    <Providers apiUrl={apiUrl}>
      <SiteHeader userName={session.user.name} userEmail={session.user.email} />
      <HydrationBoundary state={dehydrated}>
        <TasksView userId={session.user.id} today={todayInZone(zone)} />
      </HydrationBoundary>
    </Providers>
  );
}
