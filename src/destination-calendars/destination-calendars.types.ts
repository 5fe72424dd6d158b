import type { DestinationIntegration } from '../database/entities/destination-calendar.entity';
import type { CalendarAccess } from '../providers/calendar-provider';
import type { ProviderName } from '../providers/provider-errors';

/** cal.com's integration name for each of our drivers. */
export const INTEGRATION_OF: Record<ProviderName, DestinationIntegration> = {
  google: 'google_calendar',
  microsoft: 'office365_calendar',
  caldav: 'apple_calendar',
};

export const PROVIDER_OF: Record<DestinationIntegration, ProviderName> = {
  google_calendar: 'google',
  office365_calendar: 'microsoft',
  apple_calendar: 'caldav',
};

/** Where new CRM events of a user are written (DestinationCalendarsService.writeTarget). */
export interface WriteTarget {
  provider: ProviderName;
  access: CalendarAccess;
  calendarId: string;
  integration: DestinationIntegration;
}
