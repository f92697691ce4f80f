import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { QuickAdd } from "@/components/quick-add";
import { Providers } from "@/components/providers";

describe("before hydration", () => {
  it("the server's HTML has the Add task button disabled, so an early submit cannot lose the title", () => {
    const html = renderToString(
      <Providers apiUrl="http://localhost:8000">
        <QuickAdd userId="u1" defaultDue={null} />
      </Providers>,
    );
    const button = html.match(/<button[^>]*>Add task<\/button>/)?.[0];
    expect(button).toBeDefined();
    expect(button).toMatch(/\sdisabled=""/);
    expect(html).toMatch(/<form[^>]*method="post"/);
  });
});
