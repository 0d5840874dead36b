import { describe, expect, it } from "vitest";
import { buildRawMessage, encodeHeaderValue, quotedPrintable } from "../../src/mail/mime.ts";
import { render, unknownVariables } from "../../src/mail/template.ts";

describe("templates", () => {
  it("renders variables, escaping them in HTML only", () => {
    const vars = { "member.name": "Ada <b>&</b>", "org.name": "Forum" };
    expect(render("Hi {{ member.name }} of {{org.name}}{{missing}}", vars)).toBe("Hi Ada <b>&</b> of Forum");
    expect(render("<p>{{member.name}}</p>", vars, { html: true })).toBe("<p>Ada &lt;b&gt;&amp;&lt;/b&gt;</p>");
    expect(unknownVariables("{{member.name}} {{member.nmae}} {{ x }}", new Set(["member.name"]))).toEqual(["member.nmae", "x"]);
  });
});

describe("the MIME writer of the outbox", () => {
  it("encodes non-ASCII headers as encoded words and bodies as quoted-printable", () => {
    expect(encodeHeaderValue("plain")).toBe("plain");
    expect(encodeHeaderValue("Möte")).toBe("=?UTF-8?B?TcO2dGU=?=");
    expect(quotedPrintable("Hej Åsa = 1")).toBe("Hej =C3=85sa =3D 1");
    expect(
      quotedPrintable("x".repeat(100))
        .split("\r\n")
        .every((line) => line.length <= 76),
    ).toBe(true);
    const raw = buildRawMessage({ From: "a@b.example", To: "Åsa <asa@example.org>", Subject: "Hi" }, "text", "<p>html</p>", "seed");
    expect(raw).toContain("To: =?UTF-8?B?w4VzYQ==?= <asa@example.org>\r\n");
    expect(raw).toContain('Content-Type: multipart/alternative; boundary="=_grasrot_seed"');
    expect(raw).toContain("--=_grasrot_seed--");
  });
});
