/** Forwards Account change events to Tandem (Change Data Capture must be enabled for Account). */
trigger TandemAccountChangeTrigger on AccountChangeEvent (after insert) {
    List<EventBus.ChangeEventHeader> headers = new List<EventBus.ChangeEventHeader>();
    List<String> replayIds = new List<String>();
    for (AccountChangeEvent event : Trigger.new) {
        headers.add(event.ChangeEventHeader);
        replayIds.add(event.ReplayId);
    }
    TandemChangeRelay.relay(headers, replayIds);
}
