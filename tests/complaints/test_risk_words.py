"""The default risk words are installed after every migrate, keeping what the group centre changed."""


def test_default_words_come_back_after_a_flush_and_a_deactivated_word_stays_off(db):
    from complaints import services
    from complaints.models import RiskWord

    RiskWord.objects.filter(word="律师").update(active=False)
    RiskWord.objects.exclude(word="律师").delete()  # what a flush between transactional tests leaves
    assert services.install_default_risk_words() > 0
    assert RiskWord.objects.filter(word="曝光", active=True).exists()
    assert not RiskWord.objects.get(word="律师").active
