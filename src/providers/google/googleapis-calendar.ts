/**
 * Only the Calendar API of googleapis. The package's index loads every Google API it knows
 * (about 100 MB more resident memory per process, measured in bench links-initial-sync); the
 * Calendar module brings the same client and the same auth classes (JWT, OAuth2).
 */
import { auth, calendar, type calendar_v3 } from 'googleapis/build/src/apis/calendar';

export const google = { calendar, auth };
export type { calendar_v3 };
