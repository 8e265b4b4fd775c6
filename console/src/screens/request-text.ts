// The words every deadline-ordered request screen shares (care requests, decision record 0047; guarantee-letter
// requests, 0054): urgency, deadlines, the patient's fields, filters and who a request was sent for. Each screen's own
// module adds its words and looks these up through it; Russian first, English on request, as everywhere.
import { useI18n } from '../i18n';

export const requestRu = {
  clinic: 'Клиника',
  urgency: 'Срочность',
  emergency: 'экстренная',
  urgent: 'неотложная',
  planned: 'плановая',
  lastName: 'Фамилия',
  firstName: 'Имя',
  middleName: 'Отчество',
  birthDate: 'Дата рождения',
  sex: 'Пол',
  policy: 'Номер полиса',
  overdue: 'просрочено',
  patient: 'Пациент',
  state: 'Состояние',
  actions: 'Действия',
  refresh: 'Обновить',
  reason: 'Причина',
  onBehalfOf: 'По поручению',
  ownName: 'от своего имени',
  sentFor: 'по поручению',
} as const;

export type RequestTextKey = keyof typeof requestRu;

export const requestEn: Record<RequestTextKey, string> = {
  clinic: 'Clinic',
  urgency: 'Urgency',
  emergency: 'emergency',
  urgent: 'urgent',
  planned: 'planned',
  lastName: 'Last name',
  firstName: 'First name',
  middleName: 'Middle name',
  birthDate: 'Birth date',
  sex: 'Sex',
  policy: 'Policy number',
  overdue: 'overdue',
  patient: 'Patient',
  state: 'State',
  actions: 'Actions',
  refresh: 'Refresh',
  reason: 'Reason',
  onBehalfOf: 'On behalf of',
  ownName: 'in our own name',
  sentFor: 'on behalf of',
};

/**
 * A screen's text function: its own words over the shared ones, in the console's language. `ru` and `en` are the
 * screen's own dictionaries (the same keys in both: the compiler checks it where they are declared).
 */
export function screenText<K extends string>(
  ru: Record<K, string>,
  en: Record<K, string>,
): () => (k: K | RequestTextKey) => string {
  const both = {
    ru: { ...requestRu, ...ru } as Record<K | RequestTextKey, string>,
    en: { ...requestEn, ...en } as Record<K | RequestTextKey, string>,
  };
  return function useText() {
    const { lang } = useI18n();
    const dict = lang === 'en' ? both.en : both.ru;
    return (k) => dict[k];
  };
}

/** The shared words alone, for the shared pieces of the request screens (request-list.tsx). */
export const useRequestText = screenText<never>({}, {});
