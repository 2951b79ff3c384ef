/** Media-type families for the icon shown when an item has no preview, and for the type filter. */
export function mediaFamily(mediaType: string): 'image' | 'video' | 'audio' | 'pdf' | 'text' | 'other' {
  if (mediaType === 'application/pdf') return 'pdf';
  const top = mediaType.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' || top === 'text' ? top : 'other';
}
