// The package ships its types as a .ts file in a package without "type": "module", which TypeScript
// then type-checks as CommonJS and rejects; the fakes only need this one runtime export.
declare module 'discord-api-spec' {
  /** Documented path templates by lower-case HTTP method. */
  export const pathsList: Record<string, readonly string[]>;
}
