import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { NewTaskForm } from "@/components/new-task-form";
import { Providers } from "@/components/providers";

describe("before hydration", () => {
  it("the server's HTML has the Add task button disabled, so an early submit cannot lose the title", () => {
    const html = renderToString(
      <Providers apiUrl="http://localhost:8000">
        <NewTaskForm userId="u1" />
      </Providers>,
    );
    const button = html.match(/<button[^>]*>Add task<\/button>/)?.[0];
    expect(button).toBeDefined();
    expect(button).toMatch(/\sdisabled=""/);
    expect(html).toMatch(/<form[^>]*method="post"/);
  });
});
