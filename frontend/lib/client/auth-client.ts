// Better Auth's browser client: sign-up, sign-in, sign-out and `token()` (GET /api/auth/token).
import { jwtClient } from "better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient({ plugins: [jwtClient()] });
