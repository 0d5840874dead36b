/**
 * The interactive API reference runs in the browser from @scalar/api-reference's standalone
 * bundle, served by the deployment itself (no CDN): on Node from the installed package
 * (src/meta/reference-bundle-node.ts), on Workers as a static asset (scripts/docs-assets.ts).
 */

/** The installed version, pinned exactly in package.json; a test holds the three together. */
export const referenceBundleVersion = "1.76.0";

/** Versioned path: a new version is a new URL, so browsers may keep this one for good. */
export const referenceBundlePath = `/docs/assets/scalar-api-reference-${referenceBundleVersion}.js`;

export const referenceBundleCacheControl = "public, max-age=31536000, immutable";
