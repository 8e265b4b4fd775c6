import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';
import './phone.css';
import './print.css';

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
