export { conversationWorkflow } from './conversation-workflow';
export { notificationWorkflow } from './notification-workflow';
