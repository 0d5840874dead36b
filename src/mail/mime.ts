import type { MailMessage } from "./mailer.ts";

/**
 * A small RFC 5322 / MIME writer for the local outbox, so a kept message is exactly what
 * an .eml file of it would be: headers, a text part and an HTML part. Runs on Workers too.
 */

const nonAscii = /[^\x20-\x7e]/;

/** RFC 2047 encoded-word for header values that are not plain ASCII. */
export function encodeHeaderValue(value: string): string {
  if (!nonAscii.test(value)) return value;
  const bytes = new TextEncoder().encode(value);
  // Keep each encoded word under 75 characters: 45 bytes make 60 base64 characters.
  const words: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + 45, bytes.length);
    // Never split a UTF-8 sequence between two words.
    while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    words.push(`=?UTF-8?B?${base64(bytes.subarray(start, end))}?=`);
    start = end;
  }
  return words.join("\r\n ");
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Quoted-printable (RFC 2045): readable where the text is ASCII, safe for any line length. */
export function quotedPrintable(text: string): string {
  const lines = text.replace(/\r?\n/g, "\n").split("\n");
  return lines
    .map((line) => {
      let encoded = "";
      const bytes = new TextEncoder().encode(line);
      bytes.forEach((byte, i) => {
        const last = i === bytes.length - 1;
        const plain = (byte >= 33 && byte <= 126 && byte !== 61) || (byte === 32 && !last) || (byte === 9 && !last);
        encoded += plain ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      });
      // Soft line breaks keep every line within 76 characters.
      const out: string[] = [];
      while (encoded.length > 75) {
        let cut = 75;
        if (encoded[cut - 1] === "=") cut -= 1;
        else if (encoded[cut - 2] === "=") cut -= 2;
        out.push(`${encoded.slice(0, cut)}=`);
        encoded = encoded.slice(cut);
      }
      out.push(encoded);
      return out.join("\r\n");
    })
    .join("\r\n");
}

function part(contentType: string, body: string): string {
  return `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${quotedPrintable(body)}`;
}

/** The headers a message leaves with, in order; the transport-independent part of every send. */
export function messageHeaders(message: MailMessage & { from: string; messageId: string }, date: Date): Record<string, string> {
  return {
    From: message.from,
    To: message.to,
    Subject: message.subject,
    Date: date.toUTCString().replace("GMT", "+0000"),
    "Message-ID": message.messageId,
    "MIME-Version": "1.0",
    ...message.headers,
  };
}

const addressHeaders = new Set(["from", "to", "cc", "reply-to", "sender"]);

/** In an address only the display name may be an encoded word; the address stays as it is. */
function encodeAddress(value: string): string {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  if (!match || !nonAscii.test(match[1] as string)) return value;
  return `${encodeHeaderValue((match[1] as string).replace(/^"|"$/g, ""))} <${match[2]}>`;
}

/** The whole message as RFC 5322 text with CRLF line ends. */
export function buildRawMessage(headers: Record<string, string>, text: string, html: string | undefined, boundarySeed: string): string {
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${addressHeaders.has(name.toLowerCase()) ? encodeAddress(value) : encodeHeaderValue(value)}`)
    .join("\r\n");
  if (html === undefined) return `${head}\r\n${part("text/plain", text)}\r\n`;
  const boundary = `=_grasrot_${boundarySeed.replace(/[^\w]/g, "")}`;
  return [
    `${head}\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n`,
    `--${boundary}\r\n${part("text/plain", text)}`,
    `--${boundary}\r\n${part("text/html", html)}`,
    `--${boundary}--\r\n`,
  ].join("\r\n");
}

/** The address part of `Name <address>` or a bare address; used for the Message-ID domain. */
export function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

export function domainOf(from: string): string {
  return addressOf(from).split("@")[1] ?? "grasrot.invalid";
}
