/**
 * The admin slice's public face: admins and their grants, sign-in and the audit trail, what an
 * admin's dashboard counts, and the admin chat commands.
 */
export { addAdmin, listAdmins } from './admins.ts';
export { actorName, auditAdmin, forgetEndedSignIns } from './auth.ts';
export { reachesScope } from './overview.ts';
export { adminCommands, type AdminChatDeps } from './chat.ts';
