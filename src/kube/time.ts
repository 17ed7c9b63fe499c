/**
 * metav1.Time on the wire: RFC 3339 in UTC at seconds resolution (k8s.io/apimachinery
 * pkg/apis/meta/v1/time.go MarshalJSON uses time.RFC3339, which drops fractional seconds).
 */
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
