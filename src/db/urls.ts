// Database URLs, without loading any driver (the backup commands use these and stay light).

/** The file path behind a `file:` URL, relative to the working directory like the adapter's. */
export function sqliteFilePath(url: string): string {
  return url.slice("file:".length).split("?")[0];
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);
