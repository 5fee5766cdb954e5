export { AlarmTopic, type AlarmTopicArgs, alarmTopicPolicy } from "./alarmTopic";
