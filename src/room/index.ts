/** Room mode: attendee users, namespaces and bindings for a workshop room, and their sheet (docs/room.md). */
export {
  ATTENDEE_GROUP,
  MAX_ATTENDEES,
  attendeeGroupId,
  attendeeNames,
  newAttendeePassword,
  type Attendee,
} from './attendees.js'
export { loadOrCreateRoom, readRoomFile, ROOM_FILE, type RoomFile } from './state.js'
export { passwordUsers, withDemoPasswords, type DemoUser } from './demo-users.js'
export {
  ATTENDEE_BINDING,
  GROUP_VIEW_BINDING,
  SHARED_NAMESPACE,
  attendeeObjects,
  withAttendees,
} from './scenario.js'
export {
  CA_PATH,
  KUBECONFIG_PATH,
  attendeeCommands,
  caFingerprint,
  renderSheet,
  roomKubeconfig,
  sheetEntries,
  type RoomLinks,
  type SheetEntry,
} from './sheet.js'
