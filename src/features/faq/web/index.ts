/** The FAQ slice's dashboard page: the questions it could not answer. */
export { registerQuestionPages } from './question-pages.ts';
