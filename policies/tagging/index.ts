export { requiredTags } from "./required-tags";
