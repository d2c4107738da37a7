/** Forwards Opportunity change events to Tandem (Change Data Capture must be enabled for Opportunity). */
trigger TandemOpportunityChangeTrigger on OpportunityChangeEvent (after insert) {
    List<EventBus.ChangeEventHeader> headers = new List<EventBus.ChangeEventHeader>();
    List<String> replayIds = new List<String>();
    for (OpportunityChangeEvent event : Trigger.new) {
        headers.add(event.ChangeEventHeader);
        replayIds.add(event.ReplayId);
    }
    TandemChangeRelay.relay(headers, replayIds);
}
