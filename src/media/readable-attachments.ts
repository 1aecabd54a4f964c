/**
 * Locations and contacts are read as text where they enter: what the model, the history and an
 * operator see. Pure; each platform's parser calls these with what its payload holds.
 */

/** `Location: Oslo Central Station, Jernbanetorget 1 (59.91100, 10.75020)`. */
export function locationText(place: { latitude: number; longitude: number; name?: string; address?: string }): string {
  const named = [place.name, place.address].filter((part) => part && part.trim() !== '').join(', ');
  const coordinates = `${place.latitude.toFixed(5)}, ${place.longitude.toFixed(5)}`;
  return named ? `Location: ${named} (${coordinates})` : `Location: ${coordinates}`;
}

/** `Contact: Ada Lovelace, +44 20 7946 0958, ada@example.com`. */
export function contactText(contact: { name?: string; phones?: string[]; emails?: string[] }): string {
  const parts = [contact.name, ...(contact.phones ?? []), ...(contact.emails ?? [])].filter((part) => part && part.trim() !== '');
  return parts.length > 0 ? `Contact: ${parts.join(', ')}` : 'Contact: (no name or number)';
}
