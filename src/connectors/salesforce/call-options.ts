/**
 * The name Tandem's writes carry in `Sforce-Call-Options: client=tandem`. Salesforce echoes it in a change
 * event's `changeOrigin` (`com/salesforce/api/rest/62.0;client=tandem`), which is how events caused by
 * our own writes are recognised and dropped (Change Data Capture guide, "ChangeEventHeader Fields").
 * No imports: the edge Worker's ingress can share this check without pulling in the client.
 */
export const callOptionsClient = 'tandem'

// `client=tandem`, optionally followed by `/…` (origins are seen as `client=SfdcInternalAPI/`), but not
// another client whose name merely starts the same (`client=tandem-demo`).
const ownOrigin = new RegExp(`(?:^|[;,])\\s*client=${callOptionsClient}(?:/[^;,]*)?\\s*(?:$|[;,])`, 'i')

/** Whether a `changeOrigin` names Tandem as the API client. */
export function isOwnChange(changeOrigin: string | undefined): boolean {
  return changeOrigin !== undefined && ownOrigin.test(changeOrigin)
}
