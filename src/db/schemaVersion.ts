/**
 * Both engines' migration runners refuse a database a newer bot has migrated: its schema may hold rows
 * and states this bot cannot read, and writing on them as if it could would corrupt them.
 */
export function refuseNewerSchema(currentVersion: number, knownVersions: number): void {
  if (currentVersion > knownVersions) {
    throw new Error(`database schema version ${currentVersion} is newer than this bot (${knownVersions})`);
  }
}
