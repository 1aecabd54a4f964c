export { conversationV2 } from './conversation-workflow';
// Conversations started before the turn's pipeline: see the file's header.
export { conversationWorkflow } from './legacy/first-shape-conversation';
export { notificationWorkflow } from './notification-workflow';
