import { toNextJsHandler } from "better-auth/next-js";

import { getAuth } from "@/lib/server/auth";
import { handleAuthRequests } from "@/lib/server/database-errors";

export const { GET, POST } = toNextJsHandler(handleAuthRequests(getAuth));
