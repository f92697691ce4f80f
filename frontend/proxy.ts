// Early, optimistic redirect: no session cookie means no way onto /tasks or /account. The page itself still
// checks the session on the server; this only saves a round trip.
import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  if (!getSessionCookie(request)) {
    return NextResponse.redirect(new URL("/login", request.url));
  }
  return NextResponse.next();
}

export const config = { matcher: ["/tasks/:path*", "/account/:path*"] };
