import type { Metadata } from "next";

import { ForgotPasswordForm } from "@/components/forgot-password-form";

export const metadata: Metadata = { title: "Reset your password · Tasks" };

export default function Page() {
  return <ForgotPasswordForm />;
}
