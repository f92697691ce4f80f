import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { RouteAnnouncerRole } from "@/components/route-announcer-role";

import "./globals.css";

export const metadata: Metadata = {
  title: "Tasks",
  description: "Your tasks, signed in with Better Auth and served by the task API.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        {children}
        <RouteAnnouncerRole />
      </body>
    </html>
  );
}
